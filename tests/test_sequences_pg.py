"""Human-facing numbers stay unique and gapless when many workers allocate them at once."""

import threading

import pytest
from django.db import connection

from tickets.models import Sequence
from tickets.services.sequences import next_value

THREADS, PER_THREAD = 8, 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_get_distinct_consecutive_numbers():
    start = threading.Barrier(THREADS)
    numbers: list[int] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def allocate() -> None:
        try:
            start.wait()
            mine = [next_value("t") for _ in range(PER_THREAD)]
            with guard:
                numbers.extend(mine)
        except BaseException as exc:  # reported below, so a failing thread fails the test
            with guard:
                errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=allocate) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert not errors
    assert len(numbers) == THREADS * PER_THREAD
    assert sorted(numbers) == list(range(1001, 1001 + THREADS * PER_THREAD))
    assert Sequence.objects.get(name="t").value == 1000 + THREADS * PER_THREAD


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_thread_sees_its_own_numbers_increase():
    seen: dict[int, list[int]] = {}

    def allocate(index: int) -> None:
        try:
            seen[index] = [next_value("u") for _ in range(PER_THREAD)]
        finally:
            connection.close()

    workers = [threading.Thread(target=allocate, args=(i,)) for i in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert len(seen) == THREADS
    assert all(values == sorted(values) and len(set(values)) == PER_THREAD for values in seen.values())
