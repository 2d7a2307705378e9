fun main() {
    // ruleid: kotlin-debug-mode-enabled
    System.setProperty("io.ktor.development", "true")
    // ok: kotlin-debug-mode-enabled
    System.setProperty("io.ktor.deployment.port", "8080")
}
