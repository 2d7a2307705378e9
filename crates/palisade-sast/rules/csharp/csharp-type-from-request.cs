using System;

public class ExportController : Controller {
    public IActionResult Export() {
        // ruleid: csharp-type-from-request
        var t = Type.GetType(Request.Query["exporter"]);
        // ok: csharp-type-from-request
        var t2 = Exporters.TryGetValue(key, out var known) ? known : typeof(CsvExporter);
        return Ok();
    }
}
