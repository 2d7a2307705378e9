class Tokens
  def issue(user)
    # ruleid: ruby-hardcoded-secret
    JWT.encode({ sub: user.id }, "my-super-secret", "HS256")
    # ok: ruby-hardcoded-secret
    JWT.encode({ sub: user.id }, Rails.application.credentials.jwt_secret, "HS256")
  end
end
