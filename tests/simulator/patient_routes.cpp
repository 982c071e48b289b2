// GET /patient/external-id: a synthetic patient whose ID is derived from the external ID, or 404
// for the external IDs listed in settings.unknown_patients.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>

#include "gateway/log/log.hpp"
#include "tests/simulator/random_source.hpp"
#include "tests/simulator/responses.hpp"
#include "tests/simulator/routes.hpp"
#include "tests/simulator/sim_clock.hpp"

namespace relay::sim {
namespace json = boost::json;

std::string patient_id_for(std::string_view external_id) {
  return derived_uuid("metriport-sim patient", external_id);
}

Response lookup_patient(SimContext& context, const RequestTarget& target) {
  const auto external_id = target.param("externalId");
  if (!external_id || external_id->empty()) return bad_request("externalId: Required");
  SimState& state = context.state;
  const auto& unknown = state.settings.unknown_patients;
  if (std::find(unknown.begin(), unknown.end(), *external_id) != unknown.end()) {
    state.log.add_lookup(*external_id, 404);
    log::info("sim.patient_lookup", {{"status", "404"}});
    return not_found("Could not find patient");
  }
  state.log.add_lookup(*external_id, 200);
  const std::string id = patient_id_for(*external_id);
  log::info("sim.patient_lookup", {{"status", "200"}, {"patient", id}});
  return json_response(
      200, json::object{{"id", id},
                        {"facilityIds", json::array{derived_uuid("metriport-sim facility", "1")}},
                        {"externalId", *external_id},
                        {"dateCreated", "2024-01-01T00:00:00.000Z"},
                        {"firstName", "Sim"},
                        {"lastName", "Patient"},
                        {"dob", "1970-01-01"},
                        {"genderAtBirth", "U"},
                        {"personalIdentifiers", json::array{}},
                        {"address", json::array{}},
                        {"contact", json::array{}}});
}

}  // namespace relay::sim
