import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;

// ruleid: java-spring-websecurity-debug
@EnableWebSecurity(debug = true)
class SecurityConfig { }

// ok: java-spring-websecurity-debug
@EnableWebSecurity
class SecurityConfig2 { }
