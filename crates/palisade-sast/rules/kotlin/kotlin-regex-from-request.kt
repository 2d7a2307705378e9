fun Application.search() {
    routing {
        get("/search") {
            // ruleid: kotlin-regex-from-request
            val rx = Regex(call.request.queryParameters["q"]!!)
            // ok: kotlin-regex-from-request
            val rx2 = Regex(Regex.escape(call.request.queryParameters["q"]!!))
        }
    }
}
