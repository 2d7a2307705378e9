class UsersController < ApplicationController
  def user_params
    # ruleid: ruby-permit-sensitive-attribute
    params.require(:user).permit(:name, :email, :admin)
  end

  def user_params_safe
    # ok: ruby-permit-sensitive-attribute
    params.require(:user).permit(:name, :email)
  end

  def membership_params
    # ruleid: ruby-permit-sensitive-attribute
    params.require(:membership).permit(:role, :team_id)
  end

  def project_params
    # ok: ruby-permit-sensitive-attribute
    params.require(:project).permit(:title, :description, tags: [])
  end
end
