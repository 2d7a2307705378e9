import org.springframework.security.config.annotation.web.builders.HttpSecurity

fun configure(http: HttpSecurity) {
    // ruleid: kotlin-spring-csrf-disabled
    http.csrf { it.disable() }
    // ok: kotlin-spring-csrf-disabled
    http.csrf { it.ignoringRequestMatchers("/webhooks/**") }
}
