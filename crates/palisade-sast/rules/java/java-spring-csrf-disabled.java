import org.springframework.security.config.annotation.web.builders.HttpSecurity;

class Sec {
    void bad(HttpSecurity http) throws Exception {
        // ruleid: java-spring-csrf-disabled
        http.csrf(csrf -> csrf.disable());
    }
    void good(HttpSecurity http) throws Exception {
        // ok: java-spring-csrf-disabled
        http.csrf(csrf -> csrf.ignoringRequestMatchers("/webhooks/**"));
    }
}
