import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.*;

@Controller
class Pages {
    @GetMapping("/page")
    String bad(@RequestParam String section) {
        // ruleid: java-spring-view-name-concat
        return "pages/" + section;
    }

    @GetMapping("/page2")
    String good(@RequestParam String section) {
        // ok: java-spring-view-name-concat
        return SECTIONS.contains(section) ? VIEWS.get(section) : "pages/home";
    }

    @GetMapping("/help/{topic}")
    String help(@PathVariable("topic") String topic) {
        // ruleid: java-spring-view-name-concat
        return "help/" + topic + "/index";
    }

    @PostMapping("/login")
    String login(@RequestParam String next) {
        // ok: java-spring-view-name-concat
        return "redirect:" + next;
    }

    @GetMapping("/about")
    String about(@RequestParam(defaultValue = "en") String lang) {
        // ok: java-spring-view-name-concat
        return "about";
    }
}

@RestController
class Greetings {
    @GetMapping("/hello")
    String hello(@RequestParam String name) {
        // ok: java-spring-view-name-concat
        return "Hello, " + name;
    }
}

