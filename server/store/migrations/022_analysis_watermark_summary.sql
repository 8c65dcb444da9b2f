-- Per evaluation: `data_watermark`, the store's clock when the run that produced it started (data that arrived
-- later is new to it: see lane_arrivals); `decisive` (a failing critical metric with overwhelming evidence) and
-- `candidate_requests`, which the analysis loop reads on every run without parsing reports; and `summary`, the few
-- fields overviews show (verdict, reason, worst metric, collecting estimate) as compact JSON, so they need not read
-- the full report of every lane.
ALTER TABLE deployment_analyses ADD COLUMN IF NOT EXISTS data_watermark DateTime64(3) DEFAULT 0;
ALTER TABLE deployment_analyses ADD COLUMN IF NOT EXISTS decisive UInt8 DEFAULT 0;
ALTER TABLE deployment_analyses ADD COLUMN IF NOT EXISTS candidate_requests UInt64 DEFAULT 0;
ALTER TABLE deployment_analyses ADD COLUMN IF NOT EXISTS summary String DEFAULT '';
