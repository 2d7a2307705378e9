class Auth
  def claims(token, key)
    # ruleid: ruby-jwt-decode-unverified
    JWT.decode(token, nil, false)
    # ok: ruby-jwt-decode-unverified
    JWT.decode(token, key, true, algorithm: "HS256")
  end
end
