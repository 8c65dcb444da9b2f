-- Release gates (environment policy `releaseGate`, server/registry/release-gate.ts): every deployment event records
-- the experiment run the gate read ('' when no gate applied) and, when an admin deployed although the gate refused,
-- the reason given for the override ('' otherwise).
ALTER TABLE deployment_events ADD COLUMN IF NOT EXISTS gate_run_id String DEFAULT '';
ALTER TABLE deployment_events ADD COLUMN IF NOT EXISTS gate_override String DEFAULT '';
