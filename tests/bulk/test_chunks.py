"""How a submitted job's rows are cut into the chunks its workers claim."""

import pytest

from laurel.bulk.services import chunked


@pytest.mark.parametrize(
    ("count", "size", "sizes"),
    [
        (10_000, 1000, [500] + [1000] * 9 + [500]),
        (10_500, 1000, [500] + [1000] * 9 + [500, 500]),
        (1001, 1000, [500, 1, 500]),
        (1000, 1000, [1000]),
        (3, 1000, [3]),
        (0, 1000, []),
        (4, 1, [1, 1, 1, 1]),
    ],
)
def test_a_job_is_cut_in_chunks_with_a_half_one_first_and_last(count, size, sizes):
    """Every row in exactly one chunk, in order; the first and last chunks half-sized
    once a job has more rows than one chunk (workers that start together then fall half
    a batch apart)."""
    numbers = list(range(7, 7 + 2 * count, 2))  # row numbers, with the invalid rows' gaps
    chunks = chunked(numbers, size)
    assert [len(chunk) for chunk in chunks] == sizes
    assert [number for chunk in chunks for number in chunk] == numbers
