-- Prompt tags (e.g. `team:billing`, `owner:alice`): free labels that overviews filter by, so a large installation
-- can show one team its prompts. Set at creation or with PATCH /api/v1/prompts/{name}.
ALTER TABLE prompts ADD COLUMN IF NOT EXISTS tags Array(String) DEFAULT [];
