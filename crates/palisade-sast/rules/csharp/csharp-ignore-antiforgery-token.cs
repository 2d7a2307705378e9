using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;

public class TransferController : Controller {
    // ruleid: csharp-ignore-antiforgery-token
    [IgnoreAntiforgeryToken]
    public IActionResult Send(Transfer t) { return Ok(); }

    // ok: csharp-ignore-antiforgery-token
    [ValidateAntiForgeryToken]
    public IActionResult SendSafe(Transfer t) { return Ok(); }

    // ruleid: csharp-ignore-antiforgery-token
    [IgnoreAntiforgeryToken]
    [HttpPost]
    public IActionResult Close(int id) { return Ok(); }
}

// ruleid: csharp-ignore-antiforgery-token
[IgnoreAntiforgeryToken]
public class WebhookController : Controller {
    public IActionResult Receive() { return Ok(); }
}

// ok: csharp-ignore-antiforgery-token
[AutoValidateAntiforgeryToken]
public class AccountController : Controller {
    public IActionResult Delete() { return Ok(); }
}

public static class Setup {
    public static void Configure(IServiceCollection services, WebApplication app) {
        services.AddControllersWithViews(options => {
            // ruleid: csharp-ignore-antiforgery-token
            options.Filters.Add(new IgnoreAntiforgeryTokenAttribute());
            // ok: csharp-ignore-antiforgery-token
            options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
        });
        // ruleid: csharp-ignore-antiforgery-token
        app.MapPost("/transfer", (Transfer t) => Results.Ok()).DisableAntiforgery();
        // ok: csharp-ignore-antiforgery-token
        app.MapPost("/transfer2", (Transfer t) => Results.Ok()).RequireAuthorization();
    }
}
