//! The admin pages: the city's catalogue — locations with opening hours and special days,
//! clerks with location, skills, hours and absences, the services' numbers. Only clerks
//! with the admin role get in; every change goes through [`vamt_booking::catalogue::edit`], and a
//! refused form comes back with what was typed and the reason.
use std::collections::BTreeSet;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::guard::Admin;
use super::page::{error_page, internal, render};
use crate::page::{Lang, LangForm, PageError};
use crate::AppState;
use vamt_booking::catalogue::edit::{self, ClerkFields, EditError, LocationFields, ServiceFields};
use vamt_portal_core::money::Money;

const WEEKDAYS: [&str; 7] = [
    "weekday-mon",
    "weekday-tue",
    "weekday-wed",
    "weekday-thu",
    "weekday-fri",
    "weekday-sat",
    "weekday-sun",
];

/// A submitted form as its pairs: repeated keys (checkboxes) keep every value.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
    fn checked(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
    fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    fn week(&self) -> [String; 7] {
        std::array::from_fn(|i| self.get(&format!("hours-{i}")).to_owned())
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    /// Set after a change was saved.
    saved: Option<u8>,
    /// Appointments the saved change left for the desk to look at.
    affected: Option<i64>,
    /// Why a fee option was refused (`id`, `unit`, `max`).
    option: Option<String>,
}

#[derive(Serialize)]
struct DayRow {
    key: &'static str,
    index: usize,
    hours: String,
}

fn week_rows(week: &[String; 7]) -> Vec<DayRow> {
    week.iter()
        .enumerate()
        .map(|(index, hours)| DayRow {
            key: WEEKDAYS[index],
            index,
            hours: hours.clone(),
        })
        .collect()
}

fn today(st: &AppState) -> chrono::NaiveDate {
    st.now()
        .with_timezone(&st.settings.booking.timezone)
        .date_naive()
}

fn saved_to(path: &str, lang: &str, affected: i64) -> Response {
    Redirect::to(&format!("{path}?lang={lang}&saved=1&affected={affected}")).into_response()
}

/// What a refused change leads to: the form again with its message, or a page of its own.
enum Refused {
    Form(&'static str),
    Page(Response),
}

fn refused(st: &AppState, lang: &str, e: EditError) -> Refused {
    match e {
        EditError::Invalid(key) => Refused::Form(key),
        EditError::NotFound => Refused::Page(error_page(st, lang, PageError::NotFound)),
        EditError::Db(e) => Refused::Page(internal(st, lang, &e)),
    }
}

#[derive(Serialize)]
struct ServiceView {
    id: i64,
    slug: String,
    name: String,
    duration_minutes: i64,
    buffer_minutes: i64,
    fee: String,
    virtual_ok: bool,
    active: bool,
    checked: bool,
}

async fn service_views(
    st: &AppState,
    lang: &str,
    checked: &BTreeSet<i64>,
) -> Result<Vec<ServiceView>, sqlx::Error> {
    Ok(edit::all_services(&st.db)
        .await?
        .into_iter()
        .map(|s| ServiceView {
            name: st.i18n.t(lang, &format!("service-{}", s.slug), None),
            checked: checked.contains(&s.id),
            id: s.id,
            slug: s.slug,
            duration_minutes: s.duration_minutes,
            buffer_minutes: s.buffer_minutes,
            fee: Money::eur(s.fee_cents).input_text(lang),
            virtual_ok: s.virtual_ok,
            active: s.active,
        })
        .collect())
}

/// `GET /admin`: the catalogue at a glance.
pub async fn overview(State(st): State<AppState>, Admin(me): Admin, Lang(lang): Lang) -> Response {
    let data = async {
        let locations = edit::all_locations(&st.db).await?;
        let clerks = vamt_booking::clerk::list(&st.db).await?;
        let services = service_views(&st, lang, &BTreeSet::new()).await?;
        Ok::<_, sqlx::Error>((locations, clerks, services))
    };
    let (locations, clerks, services) = match data.await {
        Ok(d) => d,
        Err(e) => return internal(&st, lang, &e),
    };
    let locations: Vec<_> = locations
        .into_iter()
        .map(|(id, name, is_virtual, active)| context! { id, name, is_virtual, active })
        .collect();
    render(
        &st,
        StatusCode::OK,
        lang,
        "admin.html",
        "/admin",
        context! { me, locations, clerks, services },
    )
}

// ----- locations -----

#[derive(Serialize, Default)]
struct LocationView {
    id: Option<i64>,
    slug: String,
    name: String,
    address: String,
    timezone: String,
    grid_minutes: String,
    is_virtual: bool,
    active: bool,
}

async fn location_page(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    view: LocationView,
    week: [String; 7],
    error: Option<&str>,
    q: Option<&PageQuery>,
) -> Response {
    let days = match view.id {
        Some(id) => match edit::location_detail(&st.db, id, today(st)).await {
            Ok(Some(d)) => d.days,
            Ok(None) => return error_page(st, lang, PageError::NotFound),
            Err(e) => return internal(st, lang, &e),
        },
        None => Vec::new(),
    };
    let path = view.id.map_or("/admin/locations/new".to_owned(), |id| {
        format!("/admin/locations/{id}")
    });
    render(
        st,
        status,
        lang,
        "admin_location.html",
        &path,
        context! {
            location => view,
            week => week_rows(&week),
            days,
            error,
            saved => q.and_then(|q| q.saved).is_some(),
            affected => q.and_then(|q| q.affected).unwrap_or(0),
            today => today(st).format("%Y-%m-%d").to_string(),
        },
    )
}

/// `GET /admin/locations/new`
pub async fn new_location(State(st): State<AppState>, _: Admin, Lang(lang): Lang) -> Response {
    let view = LocationView {
        timezone: st.settings.booking.timezone.name().to_owned(),
        grid_minutes: "15".into(),
        active: true,
        ..Default::default()
    };
    let week = std::array::from_fn(|i| {
        if i < 5 {
            "08:00–16:00".into()
        } else {
            String::new()
        }
    });
    location_page(&st, lang, StatusCode::OK, view, week, None, None).await
}

fn location_input(f: &Fields) -> Result<(LocationFields, edit::Week), EditError> {
    let fields = LocationFields::new(
        f.get("slug"),
        f.get("name"),
        f.get("address"),
        f.get("timezone"),
        f.get("grid_minutes"),
        f.checked("active"),
    )?;
    Ok((fields, edit::parse_week(&f.week())?))
}

fn location_view_of(f: &Fields, id: Option<i64>, is_virtual: bool) -> LocationView {
    LocationView {
        id,
        slug: f.get("slug").to_owned(),
        name: f.get("name").to_owned(),
        address: f.get("address").to_owned(),
        timezone: f.get("timezone").to_owned(),
        grid_minutes: f.get("grid_minutes").to_owned(),
        is_virtual,
        active: f.checked("active"),
    }
}

/// `POST /admin/locations`: a new office.
pub async fn create_location(
    State(st): State<AppState>,
    _: Admin,
    LangForm(Lang(lang), pairs): LangForm<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let result = async {
        let (fields, week) = location_input(&f)?;
        let id = edit::create_location(&st.db, &fields).await?;
        edit::set_location_hours(&st.db, id, &week).await?;
        Ok::<_, EditError>(id)
    };
    match result.await {
        Ok(id) => saved_to(&format!("/admin/locations/{id}"), lang, 0),
        Err(e) => match refused(&st, lang, e) {
            Refused::Form(key) => {
                let view = location_view_of(&f, None, false);
                location_page(
                    &st,
                    lang,
                    StatusCode::BAD_REQUEST,
                    view,
                    f.week(),
                    Some(key),
                    None,
                )
                .await
            }
            Refused::Page(r) => r,
        },
    }
}

/// `GET /admin/locations/{id}`
pub async fn location(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
    Lang(lang): Lang,
) -> Response {
    let d = match edit::location_detail(&st.db, id, today(&st)).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let view = LocationView {
        id: Some(d.id),
        slug: d.slug,
        name: d.name,
        address: d.address,
        timezone: d.timezone,
        grid_minutes: d.grid_minutes.to_string(),
        is_virtual: d.is_virtual,
        active: d.active,
    };
    location_page(&st, lang, StatusCode::OK, view, d.week, None, Some(&q)).await
}

/// `POST /admin/locations/{id}`: fields and weekly hours.
pub async fn update_location(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    LangForm(Lang(lang), pairs): LangForm<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let result = async {
        let (fields, week) = location_input(&f)?;
        // Both are checked before either is written: a refused week changes nothing.
        edit::update_location(&st.db, id, &fields).await?;
        edit::set_location_hours(&st.db, id, &week).await?;
        Ok::<_, EditError>(())
    };
    match result.await {
        Ok(()) => saved_to(&format!("/admin/locations/{id}"), lang, 0),
        Err(e) => match refused(&st, lang, e) {
            Refused::Form(key) => {
                let is_virtual = edit::location_detail(&st.db, id, today(&st))
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|d| d.is_virtual);
                let view = location_view_of(&f, Some(id), is_virtual);
                location_page(
                    &st,
                    lang,
                    StatusCode::BAD_REQUEST,
                    view,
                    f.week(),
                    Some(key),
                    None,
                )
                .await
            }
            Refused::Page(r) => r,
        },
    }
}

/// `POST /admin/locations/{id}/days`: special hours or a closure on one date.
pub async fn location_day(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    LangForm(Lang(lang), pairs): LangForm<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let path = format!("/admin/locations/{id}");
    let result = async {
        let date = edit::parse_date(f.get("day"))?;
        let spans = edit::parse_spans(f.get("hours"))?;
        if f.checked("remove") {
            edit::remove_location_day(&st.db, id, date).await?;
            return Ok(0);
        }
        edit::set_location_day(&st.db, id, date, &spans, f.get("reason")).await
    };
    match result.await {
        Ok(affected) => saved_to(&path, lang, affected),
        Err(e) => match refused(&st, lang, e) {
            Refused::Form(key) => day_refused(&st, lang, &path, key),
            Refused::Page(r) => r,
        },
    }
}

/// A refused special day: the page's own form is short, so the error page links back.
fn day_refused(st: &AppState, lang: &str, back: &str, key: &str) -> Response {
    render(
        st,
        StatusCode::BAD_REQUEST,
        lang,
        "admin_refused.html",
        back,
        context! { error => key, back => back },
    )
}

// ----- clerks -----

#[derive(Serialize)]
struct LocationOption {
    id: i64,
    name: String,
    selected: bool,
}

async fn location_options(
    st: &AppState,
    selected: Option<i64>,
) -> Result<Vec<LocationOption>, sqlx::Error> {
    Ok(edit::all_locations(&st.db)
        .await?
        .into_iter()
        .map(|(id, name, _, _)| LocationOption {
            id,
            name,
            selected: Some(id) == selected,
        })
        .collect())
}

#[derive(Serialize)]
struct ClerkView {
    id: i64,
    username: String,
    display_name: String,
    is_admin: bool,
    active: bool,
    own_hours: bool,
}

#[allow(clippy::too_many_arguments)]
async fn clerk_page(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    view: ClerkView,
    location: Option<i64>,
    skills: &BTreeSet<i64>,
    week: [String; 7],
    error: Option<&str>,
    q: Option<&PageQuery>,
    password: Option<String>,
) -> Response {
    let data = async {
        let days = edit::clerk_detail(&st.db, view.id, today(st))
            .await?
            .map(|d| d.days);
        let locations = location_options(st, location).await?;
        let services = service_views(st, lang, skills).await?;
        Ok::<_, sqlx::Error>((days, locations, services))
    };
    let (days, locations, services) = match data.await {
        Ok((Some(days), l, s)) => (days, l, s),
        Ok((None, _, _)) => return error_page(st, lang, PageError::NotFound),
        Err(e) => return internal(st, lang, &e),
    };
    render(
        st,
        status,
        lang,
        "admin_clerk.html",
        &format!("/admin/clerks/{}", view.id),
        context! {
            clerk => view,
            locations,
            services,
            week => week_rows(&week),
            days,
            error,
            password,
            saved => q.and_then(|q| q.saved).is_some(),
            affected => q.and_then(|q| q.affected).unwrap_or(0),
            today => today(st).format("%Y-%m-%d").to_string(),
        },
    )
}

/// `GET /admin/clerks/{id}`
pub async fn clerk(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
    Lang(lang): Lang,
) -> Response {
    let d = match edit::clerk_detail(&st.db, id, today(&st)).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let view = ClerkView {
        id: d.clerk.id,
        username: d.clerk.username,
        display_name: d.clerk.display_name,
        is_admin: d.clerk.is_admin,
        active: d.clerk.active,
        own_hours: d.week.is_some(),
    };
    let week = d.week.unwrap_or_default();
    clerk_page(
        &st,
        lang,
        StatusCode::OK,
        view,
        d.location_id,
        &d.skills,
        week,
        None,
        Some(&q),
        None,
    )
    .await
}

fn clerk_input(f: &Fields) -> Result<ClerkFields, EditError> {
    let location_id = f
        .get("location")
        .parse()
        .map_err(|_| EditError::Invalid("admin-error-location"))?;
    let skills = f
        .all("skill")
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| EditError::Invalid("admin-error-service"))
        })
        .collect::<Result<BTreeSet<_>, _>>()?;
    let hours = if f.checked("own_hours") {
        Some(edit::parse_week(&f.week())?)
    } else {
        None
    };
    Ok(ClerkFields {
        display_name: edit::display_name(f.get("display_name"))?,
        location_id,
        skills,
        hours,
        is_admin: f.checked("is_admin"),
        active: f.checked("active"),
    })
}

/// `POST /admin/clerks/{id}`
pub async fn update_clerk(
    State(st): State<AppState>,
    Admin(me): Admin,
    Path(id): Path<i64>,
    LangForm(Lang(lang), pairs): LangForm<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let result = async {
        let fields = clerk_input(&f)?;
        edit::update_clerk(&st.db, id, &fields, me.id, st.now()).await
    };
    match result.await {
        Ok(affected) => saved_to(&format!("/admin/clerks/{id}"), lang, affected),
        Err(e) => match refused(&st, lang, e) {
            Refused::Form(key) => {
                let username = match vamt_booking::clerk::list(&st.db).await {
                    Ok(all) => all.into_iter().find(|c| c.id == id).map(|c| c.username),
                    Err(e) => return internal(&st, lang, &e),
                };
                let Some(username) = username else {
                    return error_page(&st, lang, PageError::NotFound);
                };
                let view = ClerkView {
                    id,
                    username,
                    display_name: f.get("display_name").to_owned(),
                    is_admin: f.checked("is_admin"),
                    active: f.checked("active"),
                    own_hours: f.checked("own_hours"),
                };
                let skills = f.all("skill").filter_map(|s| s.parse().ok()).collect();
                let location = f.get("location").parse().ok();
                clerk_page(
                    &st,
                    lang,
                    StatusCode::BAD_REQUEST,
                    view,
                    location,
                    &skills,
                    f.week(),
                    Some(key),
                    None,
                    None,
                )
                .await
            }
            Refused::Page(r) => r,
        },
    }
}

/// `POST /admin/clerks/{id}/days`: an absence or special hours on one date.
pub async fn clerk_day(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    LangForm(Lang(lang), pairs): LangForm<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let path = format!("/admin/clerks/{id}");
    let result = async {
        let date = edit::parse_date(f.get("day"))?;
        let spans = edit::parse_spans(f.get("hours"))?;
        if f.checked("remove") {
            edit::remove_clerk_day(&st.db, id, date).await?;
            return Ok(0);
        }
        edit::set_clerk_day(&st.db, id, date, &spans, f.get("reason")).await
    };
    match result.await {
        Ok(affected) => saved_to(&path, lang, affected),
        Err(e) => match refused(&st, lang, e) {
            Refused::Form(key) => day_refused(&st, lang, &path, key),
            Refused::Page(r) => r,
        },
    }
}

/// `POST /admin/clerks/{id}/password`: a new generated password, shown once; the clerk's
/// sessions end.
pub async fn clerk_password(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    LangForm(Lang(lang), _): LangForm<Vec<(String, String)>>,
) -> Response {
    let d = match edit::clerk_detail(&st.db, id, today(&st)).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let password = vamt_booking::clerk::generate_password();
    if let Err(e) = vamt_booking::clerk::reset_password(&st.db, &d.clerk.username, &password).await
    {
        return internal(&st, lang, &e);
    }
    tracing::info!(clerk = id, "clerk password reset by an admin");
    let view = ClerkView {
        id,
        username: d.clerk.username,
        display_name: d.clerk.display_name,
        is_admin: d.clerk.is_admin,
        active: d.clerk.active,
        own_hours: d.week.is_some(),
    };
    let week = d.week.unwrap_or_default();
    clerk_page(
        &st,
        lang,
        StatusCode::OK,
        view,
        d.location_id,
        &d.skills,
        week,
        None,
        None,
        Some(password),
    )
    .await
}

/// `GET /admin/clerks/new`
pub async fn new_clerk(State(st): State<AppState>, _: Admin, Lang(lang): Lang) -> Response {
    new_clerk_page(&st, lang, StatusCode::OK, "", "", None, None).await
}

async fn new_clerk_page(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    username: &str,
    display_name: &str,
    location: Option<i64>,
    error: Option<&str>,
) -> Response {
    let locations = match location_options(st, location).await {
        Ok(l) => l,
        Err(e) => return internal(st, lang, &e),
    };
    render(
        st,
        status,
        lang,
        "admin_clerk_new.html",
        "/admin/clerks/new",
        context! { username, display_name, locations, error },
    )
}

/// `POST /admin/clerks`: a new account with a generated password, shown once.
pub async fn create_clerk(
    State(st): State<AppState>,
    _: Admin,
    LangForm(Lang(lang), pairs): LangForm<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let username = f.get("username").trim();
    let location = f.get("location").parse::<i64>().ok();
    let refuse = |key: &'static str| {
        new_clerk_page(
            &st,
            lang,
            StatusCode::BAD_REQUEST,
            username,
            f.get("display_name"),
            location,
            Some(key),
        )
    };
    if username.is_empty()
        || username.len() > 40
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return refuse("admin-error-username").await;
    }
    let Ok(name) = edit::display_name(f.get("display_name")) else {
        return refuse("admin-error-name").await;
    };
    let Some(location) = location else {
        return refuse("admin-error-location").await;
    };
    match vamt_booking::clerk::list(&st.db).await {
        Ok(all) if all.iter().any(|c| c.username == username) => {
            return refuse("admin-error-username-taken").await;
        }
        Ok(_) => {}
        Err(e) => return internal(&st, lang, &e),
    }
    let password = vamt_booking::clerk::generate_password();
    let id = match vamt_booking::clerk::create(&st.db, username, &name, &password, st.now()).await {
        Ok(id) => id,
        Err(e) => return internal(&st, lang, &e),
    };
    let fields = ClerkFields {
        display_name: name,
        location_id: location,
        skills: BTreeSet::new(),
        hours: None,
        is_admin: f.checked("is_admin"),
        active: true,
    };
    match edit::update_clerk(&st.db, id, &fields, -1, st.now()).await {
        Ok(_) => {}
        Err(e) => match refused(&st, lang, e) {
            Refused::Form(key) => return refuse(key).await,
            Refused::Page(r) => return r,
        },
    }
    tracing::info!(clerk = id, "clerk account created by an admin");
    let view = ClerkView {
        id,
        username: username.to_owned(),
        display_name: fields.display_name,
        is_admin: fields.is_admin,
        active: true,
        own_hours: false,
    };
    clerk_page(
        &st,
        lang,
        StatusCode::CREATED,
        view,
        Some(location),
        &BTreeSet::new(),
        Default::default(),
        None,
        None,
        Some(password),
    )
    .await
}

// ----- services -----

/// `GET /admin/services/{id}`
pub async fn service(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
    Lang(lang): Lang,
) -> Response {
    service_page(&st, lang, id, StatusCode::OK, None, None, Some(&q)).await
}

async fn service_page(
    st: &AppState,
    lang: &str,
    id: i64,
    status: StatusCode,
    typed: Option<&Fields>,
    error: Option<&str>,
    q: Option<&PageQuery>,
) -> Response {
    let s = match service_views(st, lang, &BTreeSet::new()).await {
        Ok(all) => all.into_iter().find(|s| s.id == id),
        Err(e) => return internal(st, lang, &e),
    };
    let Some(mut s) = s else {
        return error_page(st, lang, PageError::NotFound);
    };
    let mut duration = s.duration_minutes.to_string();
    let mut buffer = s.buffer_minutes.to_string();
    if let Some(f) = typed {
        duration = f.get("duration").to_owned();
        buffer = f.get("buffer").to_owned();
        s.fee = f.get("fee").to_owned();
        s.virtual_ok = f.checked("virtual_ok");
        s.active = f.checked("active");
    }
    let options = match vamt_payments::price_list::options_of(
        &st.db,
        vamt_payments::ServiceId(id),
        st.cashier.currency(),
    )
    .await
    {
        Ok(o) => o,
        Err(e) => return internal(st, lang, &e),
    };
    let options: Vec<_> = options
        .iter()
        .map(|o| {
            context! {
                id => o.id.as_str(),
                name => st.i18n.t(lang, &format!("fee-option-{}", o.id.as_str()), None),
                unit => o.unit.input_text(lang),
                max => o.max_quantity,
            }
        })
        .collect();
    render(
        st,
        status,
        lang,
        "admin_service.html",
        &format!("/admin/services/{id}"),
        context! {
            service => s,
            duration,
            buffer,
            error,
            options,
            option_error => q.and_then(|q| q.option.clone()),
            saved => q.and_then(|q| q.saved).is_some(),
        },
    )
}

/// `POST /admin/services/{id}`
pub async fn update_service(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    LangForm(Lang(lang), pairs): LangForm<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let result = async {
        let fields = ServiceFields::new(
            f.get("duration"),
            f.get("buffer"),
            f.get("fee"),
            f.checked("virtual_ok"),
            f.checked("active"),
        )?;
        edit::update_service(&st.db, id, &fields).await
    };
    match result.await {
        Ok(()) => saved_to(&format!("/admin/services/{id}"), lang, 0),
        Err(e) => match refused(&st, lang, e) {
            Refused::Form(key) => {
                service_page(
                    &st,
                    lang,
                    id,
                    StatusCode::BAD_REQUEST,
                    Some(&f),
                    Some(key),
                    None,
                )
                .await
            }
            Refused::Page(r) => r,
        },
    }
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/admin", axum::routing::get(overview))
        .route("/admin/locations", axum::routing::post(create_location))
        .route("/admin/locations/new", axum::routing::get(new_location))
        .route(
            "/admin/locations/{id}",
            axum::routing::get(location).post(update_location),
        )
        .route(
            "/admin/locations/{id}/days",
            axum::routing::post(location_day),
        )
        .route("/admin/clerks", axum::routing::post(create_clerk))
        .route("/admin/clerks/new", axum::routing::get(new_clerk))
        .route(
            "/admin/clerks/{id}",
            axum::routing::get(clerk).post(update_clerk),
        )
        .route("/admin/clerks/{id}/days", axum::routing::post(clerk_day))
        .route(
            "/admin/clerks/{id}/password",
            axum::routing::post(clerk_password),
        )
        .route(
            "/admin/services/{id}",
            axum::routing::get(service).post(update_service),
        )
}
