using System.IO;

public class FilesController : Controller {
    public IActionResult Get() {
        // ruleid: csharp-path-traversal-request
        var bytes = System.IO.File.ReadAllBytes(Path.Combine("/srv/files", Request.Query["name"]));
        // ok: csharp-path-traversal-request
        var ok = System.IO.File.ReadAllBytes(Path.Combine("/srv/files", Path.GetFileName(name)));
        return File(bytes, "application/octet-stream");
    }
}
