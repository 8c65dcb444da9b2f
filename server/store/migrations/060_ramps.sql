-- Ramps (progressive delivery): every deployment event of a ramp names the ramp (the id of its first step), its step
-- index and the ramp's strategy (JSON: the steps, each a share of traffic and a minimum duration). New kinds
-- ramp_pause and ramp_resume leave the traffic as it is. A review request may ask for a ramp rather than a deploy.
ALTER TABLE deployment_events ADD COLUMN IF NOT EXISTS ramp_id String DEFAULT '';
ALTER TABLE deployment_events ADD COLUMN IF NOT EXISTS ramp_step Nullable(UInt16);
ALTER TABLE deployment_events ADD COLUMN IF NOT EXISTS strategy String DEFAULT '';
ALTER TABLE deployment_requests ADD COLUMN IF NOT EXISTS strategy String DEFAULT '';
