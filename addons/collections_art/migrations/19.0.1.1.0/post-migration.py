"""19.0.1.1.0: levels that escalated to Asset Recovery (the old dunning flag, kept
by dunning's 19.0.1.2.0 migration as ``legacy_escalate_to_art``) now hand their
cases over to the Asset Recovery team: the company's, else the seeded one."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'collection_policy_level' AND column_name = 'legacy_escalate_to_art'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        UPDATE collection_policy_level AS level
           SET hand_over_team_id = COALESCE(
                   company.art_team_id,
                   (SELECT res_id FROM ir_model_data
                     WHERE module = 'collections_art' AND name = 'helpdesk_team_art')
               )
          FROM collection_policy AS policy
          JOIN res_company AS company ON company.id = policy.company_id
         WHERE level.policy_id = policy.id
           AND level.legacy_escalate_to_art
           AND level.hand_over_team_id IS NULL
        """
    )
