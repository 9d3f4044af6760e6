"""The public side: an applicant follows a case with its number and access code; anyone verifies a letter."""
