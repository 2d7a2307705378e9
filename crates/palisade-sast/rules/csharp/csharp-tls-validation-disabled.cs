using System.Net.Http;

class Client {
    HttpClient Make(HttpClientHandler handler) {
        // ruleid: csharp-tls-validation-disabled
        handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => true;
        // ok: csharp-tls-validation-disabled
        handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => errors == SslPolicyErrors.None || IsPinned(cert);
        return new HttpClient(handler);
    }
}
