fun Application.login() {
    routing {
        post("/login") {
            // ruleid: kotlin-open-redirect
            call.respondRedirect(call.parameters["next"]!!)
            // ok: kotlin-open-redirect
            call.respondRedirect("/home")
        }
    }
}
