from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases", template_folder="templates")
