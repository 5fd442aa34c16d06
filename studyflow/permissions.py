"""Role permissions for the API (roles themselves live in studyflow.roles)."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from studyflow import roles


class IsStudent(BasePermission):
    message = "Only students can do this."
    code = "permission_denied"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and roles.is_student(user))


class IsTeacherOrStaff(BasePermission):
    message = "Only teachers and staff can see this."
    code = "permission_denied"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(user.is_staff or roles.is_teacher(user))


class IsStaff(BasePermission):
    message = "Only staff can see this."
    code = "permission_denied"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)
