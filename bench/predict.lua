-- POST /api/predict as a returning visitor (cookie from the COOKIE environment variable).
wrk.method = "POST"
wrk.body = '{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("COOKIE")
