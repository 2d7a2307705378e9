using System.Diagnostics;

public class ToolsController : Controller {
    public IActionResult Run() {
        // ruleid: csharp-process-start-request-data
        Process.Start("convert", Request.Query["file"] + " out.png");
        // ok: csharp-process-start-request-data
        Process.Start("convert", "in.png out.png");
        return Ok();
    }
}
