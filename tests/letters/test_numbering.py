"""文号 allocation: gap-free per agency, year and series; safe under concurrency (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest

from app.letters.numbering import allocate, format_reference_number, next_reference_number


def test_format():
    assert format_reference_number(doc_code="西公居", series="受", year=2026, value=15) == "西公居受字〔2026〕第15号"


def test_sequence_per_agency_year_and_series(db, org):
    bureau, other = org["bureau"].id, org["community"].id

    def nxt(agency, series="受", year=2026):
        return next_reference_number(agency_unit_id=agency, doc_code="西公居", series=series, year=year)

    assert [nxt(bureau) for _ in range(3)] == [f"西公居受字〔2026〕第{n}号" for n in (1, 2, 3)]
    assert nxt(bureau, series="不准") == "西公居不准字〔2026〕第1号"
    assert nxt(bureau, year=2027) == "西公居受字〔2027〕第1号"
    assert nxt(other) == "西公居受字〔2026〕第1号"
    assert nxt(bureau) == "西公居受字〔2026〕第4号"


def test_a_rolled_back_number_is_given_back(db, org):
    bureau = org["bureau"].id
    assert allocate(agency_unit_id=bureau, series="准", year=2026) == 1
    db.session.commit()
    assert allocate(agency_unit_id=bureau, series="准", year=2026) == 2
    db.session.rollback()
    assert allocate(agency_unit_id=bureau, series="准", year=2026) == 2


def test_required_parts():
    with pytest.raises(ValueError):
        next_reference_number(agency_unit_id=1, doc_code="", series="受", year=2026)


@pytest.fixture()
def postgres(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL=postgresql+psycopg://… (two real connections)")
    return db


@pytest.mark.postgres
def test_second_allocator_waits_for_the_first_commit(app, postgres, org):
    bureau = org["bureau"].id
    first_allocated, second_started = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def first():
        with app.app_context():
            seen["first"] = allocate(agency_unit_id=bureau, series="受", year=2026)
            first_allocated.set()
            second_started.wait(5)
            time.sleep(0.4)  # hold the row lock while the second transaction tries to allocate
            seen["first_commit_at"] = time.monotonic()
            postgres.session.commit()

    def second():
        with app.app_context():
            first_allocated.wait(5)
            second_started.set()
            seen["second"] = allocate(agency_unit_id=bureau, series="受", year=2026)
            seen["second_done_at"] = time.monotonic()
            postgres.session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert (seen["first"], seen["second"]) == (1, 2)
    assert seen["second_done_at"] >= seen["first_commit_at"]  # it blocked on the row lock


@pytest.mark.postgres
def test_concurrent_allocators_get_distinct_gap_free_numbers(app, postgres, org):
    bureau = org["bureau"].id
    workers, per_worker = 4, 15
    barrier = threading.Barrier(workers)
    results: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work():
        try:
            with app.app_context():
                barrier.wait(5)  # all start on a missing row: the concurrent INSERTs must not fail
                for _ in range(per_worker):
                    value = allocate(agency_unit_id=bureau, series="补", year=2026)
                    postgres.session.commit()
                    with lock:
                        results.append(value)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(results) == list(range(1, workers * per_worker + 1))
