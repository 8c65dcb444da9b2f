-- Online evaluation: chosen evaluators score a sample of an environment's production generations. Append-only
-- events per environment and evaluator; the state is derived from them and a restart continues after the latest
-- cursor:
--   configured  evaluator '' : the settings as JSON (`config`), by `actor`
--   progress    per evaluator and run: the minutes of span time done up to `cursor`, spans scored, errors, spans
--               without captured content (`skipped`), judge calls left out over the daily budget, judge spend in USD
--   paused      per evaluator: an unrecoverable error (`reason`: bad connection, 401, …); it stays paused until
--               resumed or the environment's online evaluation is configured again
--   resumed     per evaluator, by `actor`
CREATE TABLE IF NOT EXISTS online_evaluation_events (
    id String,
    environment LowCardinality(String),
    evaluator String,
    time DateTime64(3),
    kind LowCardinality(String),
    config String,
    cursor DateTime64(3),
    scored UInt32,
    errors UInt32,
    skipped UInt32,
    over_budget UInt32,
    spent_usd Float64,
    reason String,
    actor String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (environment, evaluator, time);
