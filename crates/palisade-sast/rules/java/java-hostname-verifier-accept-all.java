import javax.net.ssl.*;

class Http {
    void bad() {
        // ruleid: java-hostname-verifier-accept-all
        HttpsURLConnection.setDefaultHostnameVerifier((host, session) -> true);
    }
    void good() {
        // ok: java-hostname-verifier-accept-all
        HttpsURLConnection.setDefaultHostnameVerifier(HttpsURLConnection.getDefaultHostnameVerifier());
    }
}
