import javax.net.ssl.*
import java.security.cert.X509Certificate

class TrustAll : X509TrustManager {
    override fun checkClientTrusted(chain: Array<X509Certificate>, authType: String) {}
    // ruleid: kotlin-tls-trust-all
    override fun checkServerTrusted(chain: Array<X509Certificate>, authType: String) {}
    override fun getAcceptedIssuers(): Array<X509Certificate> = arrayOf()
}

class Pinned(private val delegate: X509TrustManager) : X509TrustManager {
    override fun checkClientTrusted(chain: Array<X509Certificate>, authType: String) {}
    // ok: kotlin-tls-trust-all
    override fun checkServerTrusted(chain: Array<X509Certificate>, authType: String) { delegate.checkServerTrusted(chain, authType) }
    override fun getAcceptedIssuers(): Array<X509Certificate> = delegate.acceptedIssuers
}
