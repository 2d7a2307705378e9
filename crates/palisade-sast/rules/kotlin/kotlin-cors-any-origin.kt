fun Application.cors() {
    install(CORS) {
        // ruleid: kotlin-cors-any-origin
        anyHost()
        // ok: kotlin-cors-any-origin
        allowHost("app.example.com", schemes = listOf("https"))
    }
}
