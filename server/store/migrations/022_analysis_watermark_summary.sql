-- Per evaluation: `data_watermark`, the store's clock when the run that produced it started (data that arrived
-- later is new to it: see lane_arrivals), and `summary`, the few fields overviews show (verdict, reason, worst
-- metric, collecting estimate) as compact JSON, so they need not read the full report of every lane.
ALTER TABLE deployment_analyses ADD COLUMN IF NOT EXISTS data_watermark DateTime64(3) DEFAULT 0;
ALTER TABLE deployment_analyses ADD COLUMN IF NOT EXISTS summary String DEFAULT '';
