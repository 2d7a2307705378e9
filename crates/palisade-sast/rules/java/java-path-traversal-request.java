import java.io.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.servlet.http.HttpServletRequest;
import org.apache.commons.io.FilenameUtils;
import org.springframework.web.bind.annotation.*;

@RestController
class FileController {
    private static final Path ROOT = Paths.get("/srv/files");

    @GetMapping("/file")
    byte[] read(@RequestParam("name") String name) throws IOException {
        // ruleid: java-path-traversal-request
        FileInputStream in = new FileInputStream("/srv/files/" + name);
        return in.readAllBytes();
    }

    @GetMapping("/download/{file}")
    byte[] download(@PathVariable String fileName) throws IOException {
        // ruleid: java-path-traversal-request
        Path path = Paths.get("/srv/files", fileName);
        return Files.readAllBytes(path);
    }

    @PostMapping("/upload")
    void upload(HttpServletRequest request) throws IOException {
        // ruleid: java-path-traversal-request
        File target = new File("/srv/uploads", request.getParameter("filename"));
        try (OutputStream out = new FileOutputStream(target)) {
            request.getInputStream().transferTo(out);
        }
    }

    @GetMapping("/file2")
    byte[] read2(@RequestParam("name") String name) throws IOException {
        File base = new File("/srv/files");
        // ok: java-path-traversal-request
        File f = new File(base, "report.pdf");
        return Files.readAllBytes(f.toPath());
    }

    @GetMapping("/file3")
    byte[] read3(@RequestParam("name") String name) throws IOException {
        // ok: java-path-traversal-request
        File f = new File("/srv/files", FilenameUtils.getName(name));
        return Files.readAllBytes(f.toPath());
    }
}
