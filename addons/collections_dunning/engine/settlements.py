"""Cases in a settlement leave the recovery path of the daily run."""


def hold_settled_cases(plan, settling):
    """Rule (lending flow: settlement for death or verified distress): a case
    whose customer is in a settlement does not enter another level (so it is not
    handed over either) and is not put back into its level's stage; its figures
    are still refreshed and it still closes once nothing is overdue."""
    if not settling:
        return
    for changes in (plan.moves, plan.fixes):
        for level in list(changes):
            changes[level] -= settling
            if not changes[level]:
                del changes[level]
