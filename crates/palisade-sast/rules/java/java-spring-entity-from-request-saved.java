import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import org.apache.commons.beanutils.BeanUtils;
import org.springframework.web.bind.annotation.*;

@RestController
class Users {
    private final UserRepository repo;

    Users(UserRepository repo) { this.repo = repo; }

    @PutMapping("/me")
    User bad(@RequestBody User user) {
        // ruleid: java-spring-entity-from-request-saved
        return repo.save(user);
    }

    @PostMapping("/signup")
    String signup(@ModelAttribute("account") Account account) {
        // ruleid: java-spring-entity-from-request-saved
        repo.saveAndFlush(account);
        return "redirect:/welcome";
    }

    @PatchMapping("/users/{id}")
    User patch(@PathVariable long id, @RequestBody UserForm form) {
        User user = repo.findById(id).orElseThrow();
        // ruleid: java-spring-entity-from-request-saved
        org.springframework.beans.BeanUtils.copyProperties(form, user);
        return repo.save(user);
    }

    @PostMapping("/legacy")
    void legacy(HttpServletRequest request) throws Exception {
        User user = new User();
        // ruleid: java-spring-entity-from-request-saved
        BeanUtils.populate(user, request.getParameterMap());
        repo.save(user);
    }

    @PutMapping("/me2")
    User good(@RequestBody ProfileDto dto) {
        // ok: java-spring-entity-from-request-saved
        return repo.save(mapper.applyEditable(dto, currentUser()));
    }

    @PatchMapping("/profile/{id}")
    User goodCopy(@PathVariable long id, @RequestBody UserForm form) {
        User user = repo.findById(id).orElseThrow();
        // ok: java-spring-entity-from-request-saved
        org.springframework.beans.BeanUtils.copyProperties(form, user, "id", "role", "admin");
        user.setDisplayName(form.getDisplayName());
        // ok: java-spring-entity-from-request-saved
        return repo.save(user);
    }
}
