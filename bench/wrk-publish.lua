-- wrk script for bench/compare: every request POSTs one 64-byte JSON message (the same shape as
-- herald-bench's payloads) to the URL given to wrk, a channel nobody subscribes to.
wrk.method = "POST"
wrk.body = '{"s":1,"t":1764268800000000000,"p":"xxxxxxxxxxxxxxxxxxxxxxxxxx"}'
wrk.headers["Content-Type"] = "application/json"
