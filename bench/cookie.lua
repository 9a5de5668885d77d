-- GET with the visitor's cookie (COOKIE environment variable).
wrk.headers["Cookie"] = os.getenv("COOKIE")
