"""Approved exceptions (grace, pause, no_billing) holding the cases of one batch."""


def hold_moves(moves, held):
    """Rule (issue 12): while an approved exception of the customer runs, the
    customer's cases keep their level: the cases in ``held`` are taken out of
    the batch's level moves (their figures are still refreshed), so they move
    on the first run after the exception expires."""
    if not held:
        return moves
    for level in list(moves):
        moves[level] -= held
        if not moves[level]:
            del moves[level]
    return moves
