-- purpose: how many rows each kind of data holds, so a report knows what it can say.
SELECT (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM users) AS users,
       (SELECT count(*) FROM feedback) AS feedback,
       (SELECT count(*) FROM kano_responses) AS kano,
       (SELECT count(*) FROM requirements) AS requirements
