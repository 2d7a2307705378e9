class UsersController < ApplicationController
  def user_params
    # ruleid: ruby-permit-sensitive-attribute
    params.require(:user).permit(:name, :email, :admin)
  end

  def user_params_safe
    # ok: ruby-permit-sensitive-attribute
    params.require(:user).permit(:name, :email)
  end
end
