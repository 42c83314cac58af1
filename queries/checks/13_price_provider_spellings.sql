-- Two current prices of one model from one date whose providers are one name once
-- case, accents and compatibility forms are ignored (written before trendlab compared
-- providers by trendlab_fold(), or around it): one price stored twice under two
-- spellings of its key, which no import can restate. trendlab_fold() is registered by
-- `trendlab check`, as for 12_organization_names.
SELECT 'prices' AS kind, p.id AS key,
       'provider ' || p.provider || ' is also spelled ' || q.provider || ' in price ' || q.id
       || ' of the same model and date' AS problem
FROM prices p JOIN prices q
  ON p.model = q.model AND p.effective_date = q.effective_date
  AND trendlab_fold(p.provider) = trendlab_fold(q.provider) AND p.provider <> q.provider
ORDER BY kind, key, problem;
