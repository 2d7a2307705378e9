import org.springframework.web.servlet.config.annotation.*;

class Web implements WebMvcConfigurer {
    public void addCorsMappings(CorsRegistry registry) {
        // ruleid: java-cors-any-origin
        registry.addMapping("/api/**").allowedOrigins("*");
        // ok: java-cors-any-origin
        registry.addMapping("/api/**").allowedOrigins("https://app.example.com");
    }
}
