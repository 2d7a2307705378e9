using System.Diagnostics;

class Tools {
    void Ping(string host) {
        // ruleid: csharp-process-start-shell
        Process.Start("cmd.exe", "/c ping " + host);
        // ok: csharp-process-start-shell
        var psi = new ProcessStartInfo("ping");
        psi.ArgumentList.Add(host);
        Process.Start(psi);
    }
}
