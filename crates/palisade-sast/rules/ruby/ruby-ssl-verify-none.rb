require "net/http"
require "faraday"
require "httparty"

class Client
  def fetch(uri)
    http = Net::HTTP.new(uri.host, uri.port)
    http.use_ssl = true
    # ruleid: ruby-ssl-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE
    # ok: ruby-ssl-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_PEER
    http.get(uri.request_uri)
  end

  def start(uri)
    # ruleid: ruby-ssl-verify-none
    Net::HTTP.start(uri.host, uri.port, use_ssl: true, verify_mode: OpenSSL::SSL::VERIFY_NONE) do |http|
      http.get(uri.path)
    end
  end

  def faraday(base)
    # ruleid: ruby-ssl-verify-none
    conn = Faraday.new(url: base, ssl: { verify: false })
    # ok: ruby-ssl-verify-none
    safe = Faraday.new(url: base, ssl: { ca_file: "/etc/ssl/certs/internal-ca.pem" })
    [conn, safe]
  end

  def party(url)
    # ruleid: ruby-ssl-verify-none
    HTTParty.get(url, verify: false)
    # ok: ruby-ssl-verify-none
    HTTParty.get(url, timeout: 5)
  end
end
