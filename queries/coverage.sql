-- How many results each benchmark has per year, and the best score that year.
SELECT benchmark, year(date) AS year, count(*) AS results,
       count(DISTINCT model) AS models,
       CASE WHEN bool_and(higher_is_better) THEN max(score) ELSE min(score) END AS best
FROM scores
WHERE NOT isnan(score)  -- unknown, as in frontier.sql
GROUP BY benchmark, year(date)
ORDER BY benchmark, year NULLS LAST;
