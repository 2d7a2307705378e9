import java.io.*;
import org.springframework.web.bind.annotation.*;

@RestController
class Files {
    @GetMapping("/file")
    byte[] read(@RequestParam("name") String name) throws IOException {
        // ruleid: java-path-traversal-request
        FileInputStream in = new FileInputStream("/srv/files/" + name);
        return in.readAllBytes();
    }

    @GetMapping("/file2")
    byte[] read2(@RequestParam("name") String name) throws IOException {
        File base = new File("/srv/files");
        // ok: java-path-traversal-request
        File f = new File(base, "report.pdf");
        return java.nio.file.Files.readAllBytes(f.toPath());
    }
}
