-- Deployment events performed by approving a review request name it; external deployments keep the actor their
-- caller reported (CI job, other registry) next to the API key that recorded them.
ALTER TABLE deployment_events ADD COLUMN IF NOT EXISTS request_id String DEFAULT '';
ALTER TABLE deployment_events ADD COLUMN IF NOT EXISTS external_actor String DEFAULT '';
