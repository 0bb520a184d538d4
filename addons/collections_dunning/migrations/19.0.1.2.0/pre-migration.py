"""19.0.1.2.0: the level flag ``escalate_to_art`` becomes ``hand_over_team_id``, a
team to hand the cases over to. Dunning does not know the Asset Recovery team,
so the flag is kept in a legacy column, for the Asset Recovery add-on's own
migration to turn it into its team."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'collection_policy_level' AND column_name = 'escalate_to_art'
        """
    )
    if cr.fetchone():
        cr.execute(
            "ALTER TABLE collection_policy_level "
            "RENAME COLUMN escalate_to_art TO legacy_escalate_to_art"
        )
