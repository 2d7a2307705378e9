import org.springframework.web.bind.annotation.*;

@org.springframework.stereotype.Controller
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
}
