using Microsoft.AspNetCore.Mvc;

public class TransferController : Controller {
    // ruleid: csharp-ignore-antiforgery-token
    [IgnoreAntiforgeryToken]
    public IActionResult Send(Transfer t) { return Ok(); }

    // ok: csharp-ignore-antiforgery-token
    [ValidateAntiForgeryToken]
    public IActionResult SendSafe(Transfer t) { return Ok(); }
}
