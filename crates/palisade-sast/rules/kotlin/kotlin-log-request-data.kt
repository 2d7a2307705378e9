fun Application.login() {
    routing {
        post("/login") {
            // ruleid: kotlin-log-request-data
            log.info("login failed for ${call.parameters["user"]}")
            // ok: kotlin-log-request-data
            log.info("login failed for {}", call.parameters["user"]?.replace(Regex("[\r\n]"), "_"))
        }
    }
}
