import org.springframework.web.bind.annotation.*;

@RestController
class Users {
    @PutMapping("/me")
    User bad(@RequestBody User user) {
        // ruleid: java-spring-entity-from-request-saved
        return repo.save(user);
    }
    @PutMapping("/me2")
    User good(@RequestBody ProfileDto dto) {
        // ok: java-spring-entity-from-request-saved
        return repo.save(mapper.applyEditable(dto, currentUser()));
    }
}
