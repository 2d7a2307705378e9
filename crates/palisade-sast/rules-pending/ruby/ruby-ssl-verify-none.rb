class Client
  def fetch(uri)
    http = Net::HTTP.new(uri.host, uri.port)
    http.use_ssl = true
    # ruleid: ruby-ssl-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE
    # ok: ruby-ssl-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_PEER
  end
end
