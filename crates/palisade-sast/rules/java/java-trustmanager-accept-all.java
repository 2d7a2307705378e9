import javax.net.ssl.*;
import java.security.cert.*;

class TrustAll implements X509TrustManager {
    public void checkClientTrusted(X509Certificate[] c, String a) { }
    // ruleid: java-trustmanager-accept-all
    public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException { }
    public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
}

class Pinned implements X509TrustManager {
    public void checkClientTrusted(X509Certificate[] c, String a) { }
    // ok: java-trustmanager-accept-all
    public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException { delegate.checkServerTrusted(c, a); }
    public X509Certificate[] getAcceptedIssuers() { return delegate.getAcceptedIssuers(); }
}
